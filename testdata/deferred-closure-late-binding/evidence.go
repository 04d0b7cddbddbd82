package cases

// Shape 7 of the recall work: the entry for the key's next value is written before the
// key variable is given it. The deferred delete then removes the entry just written.

func rename(m map[string]int, key, to string) {
	defer func() { // want "deferred-closure-late-binding"
		delete(m, key)
	}()
	m[to] = m[key]
	key = to
	println("renamed to", key)
}

// The key moves on but nothing writes its new entry: no evidence the late value is
// wrong, silent.
func moveOn(m map[string]int, key, to string) {
	defer func() {
		delete(m, key)
	}()
	key = to
	println("now", key)
}

// The write at the new value comes before the defer: silent.
func writtenFirst(m map[string]int, key, to string) {
	m[to] = m[key]
	defer func() {
		delete(m, key)
	}()
	key = to
	println("now", key)
}
