"""The benchmark: this service against stock SimpleJWT and a plain Django view (``make bench``)."""
