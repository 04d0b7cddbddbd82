module example.com/race/deferred-closure-late-binding

go 1.22
