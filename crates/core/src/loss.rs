//! Output heads (output activation fused with its loss) and weight regularizers.

use crate::keyed_enum;

keyed_enum! {
    /// Output layer activation together with the loss it is trained with.
    pub enum Head {
        SigmoidBce => ("sigmoid-bce", "Sigmoid + cross-entropy", "One sigmoid output p; loss −y log p − (1−y) log(1−p), y ∈ {0, 1}."),
        SoftmaxCe => ("softmax-ce", "Softmax + cross-entropy", "K softmax outputs; loss −log p_y."),
        LinearMse => ("linear-mse", "Linear + squared error", "Linear outputs; loss ½ (o − y)²."),
        TanhMse => ("tanh-mse", "tanh + squared error", "One tanh output o; loss ½ (o − y)², y ∈ {−1, +1} (TF Playground's choice)."),
    }
}

keyed_enum! {
    /// Weight penalties added to the data loss (biases are not penalised).
    pub enum Regularizer {
        None => ("none", "None", "No penalty."),
        L2 => ("l2", "L2", "λ/2 · Σ w² over all weights (not biases)."),
        L1 => ("l1", "L1", "λ · Σ |w| over all weights (not biases); subgradient 0 at w = 0."),
    }
}
