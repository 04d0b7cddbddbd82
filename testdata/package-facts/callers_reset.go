package facts

func (s *Shelf) Reset() {
	s.put("")
}
