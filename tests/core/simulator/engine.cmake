# conformance tests
