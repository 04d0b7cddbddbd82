package cases

import "sync"

// A shard returned by an accessor, and an element bound with the comma-ok form:
// the map is the shard's, guarded by the shard's embedded RWMutex. Two types
// declare a method named `get`; the receiver's type says which one is called.

type protoShard struct {
	sync.RWMutex
	protos map[string]map[string]struct{}
}

type protoShards [16]*protoShard

func (s *protoShards) get(p string) *protoShard {
	return s[len(p)%16]
}

type nameShards [16]map[string]bool

func (s *nameShards) get(p string) map[string]bool {
	return s[len(p)%16]
}

type ProtoBook struct {
	shards protoShards
	names  nameShards
}

func (b *ProtoBook) Set(p string, protos ...string) {
	s := b.shards.get(p)
	s.Lock()
	defer s.Unlock()
	set := make(map[string]struct{}, len(protos))
	for _, proto := range protos {
		set[proto] = struct{}{}
	}
	s.protos[p] = set
}

func (b *ProtoBook) Add(p, proto string) {
	s := b.shards.get(p)
	s.Lock()
	defer s.Unlock()
	set, ok := s.protos[p]
	if !ok {
		set = make(map[string]struct{})
		s.protos[p] = set
	}
	set[proto] = struct{}{}
}

func (b *ProtoBook) Get(p string) []string {
	s := b.shards.get(p)
	s.RLock()
	defer s.RUnlock()
	var out []string
	for proto := range s.protos[p] {
		out = append(out, proto)
	}
	return out
}

// Remove deletes from the peer's set while holding only the shard's read lock.
func (b *ProtoBook) Remove(p string, protos ...string) {
	s := b.shards.get(p)
	s.RLock()
	defer s.RUnlock()
	set, ok := s.protos[p]
	if !ok {
		return
	}
	for _, proto := range protos {
		delete(set, proto) // want "map-write-under-rlock"
	}
}

// Clear does the same under the write lock: silent.
func (b *ProtoBook) Clear(p string) {
	s := b.shards.get(p)
	s.Lock()
	defer s.Unlock()
	set, ok := s.protos[p]
	if ok {
		clear(set)
	}
}
