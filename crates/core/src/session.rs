//! A training session: model, optimizer state, data, seeded RNG streams, step counter and statistics.
