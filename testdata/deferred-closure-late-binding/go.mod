module example.com/deferred-closure-late-binding

go 1.22
