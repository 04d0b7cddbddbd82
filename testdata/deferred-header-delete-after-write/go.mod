module example.com/deferred-header-delete-after-write

go 1.22
