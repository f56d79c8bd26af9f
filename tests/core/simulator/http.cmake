# http layer tests
