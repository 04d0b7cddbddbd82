package pull

import (
	"fmt"
	"testing"
)

func TestPull(t *testing.T) {
	images := make([]string, 64)
	for i := range images {
		images[i] = fmt.Sprintf("image-%d", i)
	}
	for round := 0; round < 20; round++ {
		if n := Pull(images, func(s string) string { return "sha-" + s }); n != len(images) {
			t.Fatalf("resolved %d of %d images", n, len(images))
		}
	}
}
