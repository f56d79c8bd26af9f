# builder tests
