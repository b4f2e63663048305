//! Multiplicative noise on layer inputs: Bernoulli dropout (keep probability p) and Gaussian N(1, σ²) noise.

use crate::keyed_enum;

keyed_enum! {
    /// The kind of multiplicative noise on one layer's input.
    pub enum NoiseKind {
        None => ("none", "None", "No noise on this layer."),
        Bernoulli => ("bernoulli", "Bernoulli dropout", "Each unit kept with probability p (Z ~ Bernoulli(p)), else zeroed."),
        Gaussian => ("gaussian", "Gaussian noise", "Each unit multiplied by Z ~ N(1, σ²) (Gaussian dropout, Srivastava et al. 2014)."),
    }
}

keyed_enum! {
    /// Where the 1/p correction of Bernoulli dropout goes.
    pub enum DropoutScaling {
        Inverted => ("inverted", "Inverted (scale by 1/p in training)", "Training multiplies kept units by 1/p; test uses the network unchanged (PyTorch, Keras)."),
        WeightScaling => ("weight-scaling", "Weight scaling at test (the notes)", "Training uses Z unscaled; test replaces Z by E[Z] = p, i.e. a = (pW)x (Hinton et al. 2012)."),
    }
}
