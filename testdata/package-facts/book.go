package facts

import "sync"

// Book.write is declared twice, once per build tag. The later declaration
// (book_other.go) says the lock is held, so the access in book_linux.go is evidence
// that mu guards pages.
type Book struct {
	mu    sync.Mutex
	pages map[int]string
}

func (b *Book) Tear(i int) {
	defer delete(b.pages, i) // want "deferred-write-unlocked"
	b.mu.Lock()
	defer b.mu.Unlock()
}
