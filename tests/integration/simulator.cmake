# simulator integration tests
