# catalog tests
