module example.com/packagefacts

go 1.22
