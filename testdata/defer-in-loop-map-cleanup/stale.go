package cases

// Shape 8 of the recall work: the map outlives the iteration, the call at the top of
// each iteration reads it, and the key the defer deletes is set later in the
// iteration: from the second iteration on the call sees the stale key (high
// confidence). The look-alikes below keep the low confidence of a bounded loop, below
// the default.

func send(params map[string]string) error { return nil }

func sendAll(items []string) error {
	params := map[string]string{}
	for _, it := range items {
		if err := send(params); err != nil {
			return err
		}
		params["item"] = it
		if it == "x" {
			params["mode"] = "fast"
			defer delete(params, "mode") // want "defer-in-loop-map-cleanup"
		}
	}
	return nil
}

// The map is made per iteration: nothing stale reaches the next one (low).
func sendEach(items []string) error {
	for _, it := range items {
		params := map[string]string{}
		params["mode"] = it
		defer delete(params, "mode")
		if err := send(params); err != nil {
			return err
		}
	}
	return nil
}

// The key is set before every use: each iteration overwrites it first (low).
func sendOverwritten(items []string) error {
	params := map[string]string{}
	for _, it := range items {
		params["mode"] = it
		defer delete(params, "mode")
		if err := send(params); err != nil {
			return err
		}
	}
	return nil
}
