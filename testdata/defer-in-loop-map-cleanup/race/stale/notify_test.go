package notify

import "testing"

func TestOnlyUrgentItemsAreHighPriority(t *testing.T) {
	var seen []string
	send := func(params map[string]string) {
		seen = append(seen, params["priority"])
	}
	SendAll(send, []string{"a", "b", "c", "d"}, map[string]bool{"b": true})
	for i, p := range seen {
		if i >= 2 && p != "" {
			t.Errorf("call %d was sent with priority %q left by an earlier item", i, p)
		}
	}
}
