// Package notify sends one request per item with shared parameters. An urgent item
// adds "priority" and defers its removal, but the deferred delete runs when SendAll
// returns: every later item is sent with the urgent item's priority.
package notify

// Sender sends one request with the given parameters.
type Sender func(params map[string]string)

// SendAll sends every item; urgent ones with priority high.
func SendAll(send Sender, items []string, urgent map[string]bool) {
	params := map[string]string{"source": "batch"}
	for _, it := range items {
		send(params)
		params["item"] = it
		if urgent[it] {
			params["priority"] = "high"
			defer delete(params, "priority")
		}
	}
}
