module example.com/race/deferred-header-delete-after-write

go 1.22
