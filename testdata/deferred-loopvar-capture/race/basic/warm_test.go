package warm

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestConcurrent warms two caches from two goroutines, each loading its keys 16
// at a time, and checks that every key holds its own value.
func TestConcurrent(t *testing.T) {
	const nkeys = 1000
	var wg sync.WaitGroup
	for _, prefix := range []string{"user", "team"} {
		prefix := prefix // go 1.21 module: the test copies its own loop variable.
		wg.Add(1)
		go func() {
			defer wg.Done()
			keys := make([]string, nkeys)
			for i := range keys {
				keys[i] = fmt.Sprintf("%s/%d", prefix, i)
			}
			c := New(strings.ToUpper)
			c.Warm(keys, 16)

			wrong := 0
			for _, key := range keys {
				if v, ok := c.Get(key); !ok || v != strings.ToUpper(key) {
					wrong++
				}
			}
			if wrong != 0 || c.Len() != nkeys {
				t.Errorf("%s: %d of %d keys missing or wrong, Len() = %d", prefix, wrong, nkeys, c.Len())
			}
		}()
	}
	wg.Wait()
}
