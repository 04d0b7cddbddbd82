package update

import (
	"fmt"
	"testing"
)

func TestUpdateAll(t *testing.T) {
	names := make([]string, 64)
	for i := range names {
		names[i] = fmt.Sprintf("set-%d", i)
	}
	for round := 0; round < 20; round++ {
		if err := UpdateAll(names, func(string) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
}
