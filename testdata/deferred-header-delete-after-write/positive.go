package cases

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// Reports serves monthly reports.
type Reports struct {
	report func(month string) [][]string
}

// Export deletes the cache marker at exit, after WriteHeader sent it.
func (s *Reports) Export(w http.ResponseWriter, r *http.Request) {
	rows := s.report(r.URL.Query().Get("month"))
	defer w.Header().Del("X-Report-Cache") // want "deferred-header-delete-after-write"
	w.Header().Set("Content-Type", "text/csv")
	w.WriteHeader(http.StatusOK)
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(rows); err != nil {
		log.Printf("export: %v", err)
	}
}

// Status copies the upstream's check headers and prints the status.
func Status(check func(http.Header) string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		state := check(w.Header())
		defer delete(w.Header(), "Server-Timing") // want "deferred-header-delete-after-write"
		fmt.Fprintf(w, "status: %s\n", state)
	}
}

// Files serves files below Root.
type Files struct {
	Root string
}

// ServeHTTP: the first write is in the error branch, so there is no fix.
func (f *Files) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer w.Header().Del("X-Internal-Route") // want "deferred-header-delete-after-write"
	file, err := os.Open(filepath.Join(f.Root, filepath.Clean("/"+r.URL.Path)))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer file.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	if _, err := io.Copy(w, file); err != nil {
		log.Printf("files: %s: %v", r.URL.Path, err)
	}
}

// Profile deletes the debug header in a deferred closure.
func Profile(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	defer func() { // want "deferred-header-delete-after-write"
		w.Header().Del("X-Debug-Token")
		log.Printf("profile: %s in %v", r.URL.Path, time.Since(start))
	}()
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(map[string]string{"user": r.URL.Query().Get("u")}); err != nil {
		log.Printf("profile: %v", err)
	}
}

// Ping writes with rw.Write; the writer has another name.
func Ping(rw http.ResponseWriter, _ *http.Request) {
	defer rw.Header().Del("X-Upstream") // want "deferred-header-delete-after-write"
	rw.Header().Set("Content-Type", "text/plain")
	if _, err := rw.Write([]byte("pong\n")); err != nil {
		log.Printf("ping: %v", err)
	}
}

// Events streams server-sent events and flushes after each one.
func Events(w http.ResponseWriter, r *http.Request, events <-chan string) {
	defer delete(w.Header(), "X-Accel-Buffering") // want "deferred-header-delete-after-write"
	w.Header().Set("Content-Type", "text/event-stream")
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	for ev := range events {
		fmt.Fprintf(w, "data: %s\n\n", ev)
		flusher.Flush()
	}
}

// Denied answers with http.Error.
func Denied(w http.ResponseWriter, r *http.Request) {
	defer w.Header().Del("X-Auth-Debug") // want "deferred-header-delete-after-write"
	http.Error(w, "forbidden: "+r.URL.Path, http.StatusForbidden)
}
