package facts

func (s *Store) Put(k string) {
	s.mu.Lock()
	s.put(k)
	s.mu.Unlock()
}

func (s *Shelf) Put(k string) {
	s.mu.Lock()
	s.put(k)
	s.mu.Unlock()
}
