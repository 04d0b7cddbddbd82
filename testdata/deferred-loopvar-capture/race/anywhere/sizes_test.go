package sizes

import "testing"

func TestTotal(t *testing.T) {
	names := []string{"a", "bb", "ccc", "dddd", "eeeee", "ffffff"}
	for i := 0; i < 50; i++ {
		if got := Total(names); got != 21 {
			t.Fatalf("Total = %d, want 21", got)
		}
	}
}
