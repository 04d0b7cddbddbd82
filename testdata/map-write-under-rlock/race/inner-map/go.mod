module example.com/book

go 1.22
