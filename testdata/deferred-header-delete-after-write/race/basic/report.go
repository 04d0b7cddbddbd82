// Package report is a race-detector proof module for the defuse rule
// deferred-header-delete-after-write. The hazard is a wrong result, not a race.
//
// Hazard: ServeHTTP strips the internal X-Internal-Node header, which the shared
// stampHeaders helper sets on every response, with
// "defer w.Header().Del(...)". The deferred call runs when the handler returns,
// after w.WriteHeader has sent the header, and net/http ignores header changes
// made after that: the internal node name reaches every client.
//
// Fix (deferred-header-delete-after-write, review): remove the defer statement
// and delete the header right before the first statement that writes the
// response:
//
//	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
//	w.Header().Del("X-Internal-Node")
//	w.WriteHeader(http.StatusOK)
package report

import (
	"fmt"
	"net/http"
	"strings"
)

// stampHeaders sets the headers that every handler of the service carries; the
// proxy in front of it routes on X-Internal-Node.
func stampHeaders(h http.Header, node string) {
	h.Set("X-Internal-Node", node)
	h.Set("Cache-Control", "no-store")
}

// Handler serves public reports. The node name is internal and must not be
// sent to clients.
type Handler struct {
	Node string
}

// ServeHTTP renders the report named by the id query parameter.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	stampHeaders(w.Header(), h.Node)
	defer w.Header().Del("X-Internal-Node")

	body := render(r.URL.Query().Get("id"))
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, body)
}

func render(id string) string {
	return fmt.Sprintf("report %s\n%s\n", id, strings.Repeat("=", 7+len(id)))
}
