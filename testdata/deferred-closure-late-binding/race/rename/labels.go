// Package labels renames entries of a label set. Rename writes the entry under the new
// name, then moves `from` on to it; its deferred cleanup reads `from` at exit and
// deletes the entry it has just written instead of the old one.
package labels

// Rename moves the value of label from to label to.
func Rename(set map[string]string, from, to string) {
	defer func() {
		delete(set, from)
	}()
	set[to] = set[from]
	from = to
	if set[from] == "" {
		println("labels: renamed an empty label to", from)
	}
}
