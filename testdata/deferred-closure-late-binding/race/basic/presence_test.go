package presence

import (
	"fmt"
	"sync"
	"testing"
)

// TestConcurrent renames users from several goroutines, each user through a
// chain of names, and checks that every user ends up under its last name only.
func TestConcurrent(t *testing.T) {
	const workers, renames = 8, 200
	d := New()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn := fmt.Sprintf("conn-%d", w)
			name := fmt.Sprintf("user%d-v0", w)
			if err := d.Claim(name, conn); err != nil {
				t.Error(err)
				return
			}
			for i := 1; i <= renames; i++ {
				newName := fmt.Sprintf("user%d-v%d", w, i)
				err := d.Rename(name, newName, func(from, to string) {
					if got, ok := d.Lookup(to); !ok || got != conn {
						t.Errorf("during Rename(%q, %q): Lookup(%q) = %q, %v; want %q", from, to, to, got, ok, conn)
					}
				})
				if err != nil {
					t.Error(err)
					return
				}
				if got, ok := d.Lookup(newName); !ok || got != conn {
					t.Errorf("after Rename(%q, %q): Lookup(%q) = %q, %v; want %q", name, newName, newName, got, ok, conn)
					return
				}
				if _, ok := d.Lookup(name); ok {
					t.Errorf("after Rename(%q, %q): old name %q still registered", name, newName, name)
					return
				}
				name = newName
			}
		}()
	}
	wg.Wait()
	if n := d.Len(); n != workers {
		t.Errorf("Len() = %d, want %d (one name per user)", n, workers)
	}
}
