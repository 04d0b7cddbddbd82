// Package shadowed declares its own `delete`: calls to it are not map operations, and
// a deferred one after the unlock is no finding. A false-positive class seen on real
// code (a test helper named `delete`).
package shadowed

import (
	"os"
	"path/filepath"
	"sync"
)

// A shadowed builtin: the package declares its own `delete`; calls to it are not map
// operations.
type Files struct {
	mu   sync.Mutex
	open map[string]bool
}

func delete(index map[string]bool, name string) error {
	return os.Remove(filepath.Join(os.TempDir(), name))
}

func (f *Files) Open(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.open[name] = true
}

func (f *Files) IsOpen(name string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.open[name]
}

func (f *Files) Discard(name string) {
	f.mu.Lock()
	defer delete(f.open, name)
	defer f.mu.Unlock()
}
