module example.com/deferred-map-shared-with-goroutine

go 1.22
