module example.com/race/deferred-map-shared-with-goroutine-siblings

go 1.22
