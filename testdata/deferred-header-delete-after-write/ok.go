package cases

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strings"
	"time"
)

// annotate prepares headers for its caller and never writes the response.
func annotate(w http.ResponseWriter) {
	defer w.Header().Del("X-Start-Time")
	start, err := time.Parse(time.RFC3339Nano, w.Header().Get("X-Start-Time"))
	if err != nil {
		return
	}
	w.Header().Set("Server-Timing", "app;dur="+time.Since(start).String())
}

// Summary deletes the header with a plain call before the first write.
func Summary(w http.ResponseWriter, r *http.Request) {
	w.Header().Del("X-Report-Cache")
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(map[string]string{"path": r.URL.Path}); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// Whoami deletes a request header, not a response header.
func Whoami(w http.ResponseWriter, r *http.Request) {
	defer r.Header.Del("X-Auth-User")
	user := r.Header.Get("X-Auth-User")
	if user == "" {
		http.Error(w, "not signed in", http.StatusUnauthorized)
		return
	}
	fmt.Fprintf(w, "signed in as %s\n", user)
}

var page = template.Must(template.New("page").Parse("<h1>{{.}}</h1>"))

// Page deletes the hint in a literal that returns before the write.
func Page(w http.ResponseWriter, r *http.Request) {
	title := "Home"
	func() {
		defer w.Header().Del("X-Theme-Hint")
		if hint := w.Header().Get("X-Theme-Hint"); hint != "" {
			title += " (" + hint + ")"
		}
	}()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := page.Execute(w, title); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// Blob fills a declared trailer with a deferred Set after the body.
func Blob(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Trailer", "X-Checksum")
	h := sha256.New()
	defer func() {
		w.Header().Set("X-Checksum", hex.EncodeToString(h.Sum(nil)))
	}()
	w.WriteHeader(http.StatusOK)
	io.Copy(io.MultiWriter(w, h), strings.NewReader(r.URL.Path))
}

// Rows announces the row count as a trailer with http.TrailerPrefix.
func Rows(w http.ResponseWriter, rows []string) {
	n := 0
	defer func() {
		w.Header().Set(http.TrailerPrefix+"X-Row-Count", fmt.Sprint(n))
	}()
	for _, row := range rows {
		fmt.Fprintln(w, row)
		n++
	}
}

// ResponseCache stores the headers of rendered pages.
type ResponseCache struct {
	put func(key string, h http.Header, body []byte)
}

// Render caches a clone of the response headers without cookies; the deferred
// delete is on the clone, not on the response's header.
func (c *ResponseCache) Render(w http.ResponseWriter, r *http.Request, body []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	saved := w.Header().Clone()
	defer func() {
		delete(saved, "Set-Cookie")
		c.put(r.URL.Path, saved, body)
	}()
	w.Write(body)
}

// Proxy closes the upstream body with defer; no header is deleted.
func Proxy(client *http.Client, upstream string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		resp, err := client.Get(upstream + r.URL.Path)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	}
}
