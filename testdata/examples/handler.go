package sessions

import (
	"bufio"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
	"time"
)

// Server serves the session API.
type Server struct {
	store   *Store
	limiter *Limiter
	roles   map[string][]string // role -> roles it inherits
}

// WhoAmI prints the user of the request's session.
func (srv *Server) WhoAmI(w http.ResponseWriter, r *http.Request) {
	if !srv.limiter.Allow(r.RemoteAddr, time.Now()) {
		http.Error(w, "slow down", http.StatusTooManyRequests)
		return
	}
	// Hazard: WriteHeader below sends the header map; the delete at exit comes too late to strip X-Debug.
	defer w.Header().Del("X-Debug") // want "deferred-header-delete-after-write"
	user, status := "anonymous", http.StatusUnauthorized
	if c, err := r.Cookie("session"); err == nil {
		if sess, ok := srv.store.Get(c.Value); ok {
			user, status = sess.User, http.StatusOK
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "user: %s\n", user)
}

// Logout ends the request's session and clears its cookie.
func (srv *Server) Logout(w http.ResponseWriter, r *http.Request) {
	// Hazard: same as WhoAmI: WriteHeader sends X-Session-Trace before the deferred delete runs.
	defer delete(w.Header(), "X-Session-Trace") // want "deferred-header-delete-after-write"
	if c, err := r.Cookie("session"); err == nil {
		srv.store.Take(c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: "session", Path: "/", MaxAge: -1})
	w.WriteHeader(http.StatusNoContent)
}

// Permissions lists the roles that role grants, following inheritance.
// Safe: seen is a recursion guard on a map local to one call tree.
func (srv *Server) Permissions(role string) []string {
	return srv.expand(role, make(map[string]bool))
}

func (srv *Server) expand(role string, seen map[string]bool) []string {
	if seen[role] {
		return nil
	}
	seen[role] = true
	defer delete(seen, role)
	out := []string{role}
	for _, parent := range srv.roles[role] {
		out = append(out, srv.expand(parent, seen)...)
	}
	return out
}

// LoadSessions reads "id user" lines from path into the store. Safe: the
// deferred Close is no map write, and the deferred range only reads a local map.
func (srv *Server) LoadSessions(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()

	perUser := make(map[string]int)
	defer func() {
		for user, n := range perUser {
			log.Printf("loaded %d sessions for %s", n, user)
		}
	}()

	sc := bufio.NewScanner(f)
	for sc.Scan() {
		id, user, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		srv.store.Add(&Session{ID: id, User: user})
		perUser[user]++
	}
	return sc.Err()
}
