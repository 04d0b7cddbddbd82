module example.com/race/deferred-loopvar-capture

go 1.21
