package report

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// TestConcurrent requests reports from several goroutines through a real HTTP
// server and checks that the internal header never reaches the client.
func TestConcurrent(t *testing.T) {
	const workers, iters = 8, 25
	srv := httptest.NewServer(&Handler{Node: "node-7.internal"})
	defer srv.Close()

	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < iters; i++ {
				id := fmt.Sprintf("w%d-%d", w, i)
				resp, err := srv.Client().Get(srv.URL + "/report?id=" + id)
				if err != nil {
					t.Error(err)
					return
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil {
					t.Error(err)
					return
				}
				if resp.StatusCode != http.StatusOK || string(body) != render(id) {
					t.Errorf("GET %s: %s %q, want 200 %q", id, resp.Status, body, render(id))
					return
				}
				if got := resp.Header.Get("X-Internal-Node"); got != "" {
					t.Errorf("GET %s: response carries X-Internal-Node: %s", id, got)
					return
				}
				if got := resp.Header.Get("Cache-Control"); got != "no-store" {
					t.Errorf("GET %s: Cache-Control = %q, want no-store", id, got)
					return
				}
			}
		}()
	}
	wg.Wait()
}
