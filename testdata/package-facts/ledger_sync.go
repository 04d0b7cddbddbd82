package facts

func (l *Ledger) Sync() {
	l.rowsMu.Lock()
	defer l.rowsMu.Unlock()
}
