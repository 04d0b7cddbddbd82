module example.com/deferred-write-unlocked

go 1.22
