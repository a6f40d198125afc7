namespace MaskTrainer.Model;

/// <summary>Metrics of one class, treating it as the positive class against all others.</summary>
/// <param name="Precision">Correct predictions of the class / all predictions of it; 0 when it was never predicted.</param>
/// <param name="Recall">Correct predictions of the class / its examples; 0 when it has no examples.</param>
/// <param name="F1">Harmonic mean of precision and recall; 0 when both are 0.</param>
/// <param name="Support">Number of examples whose true label is the class.</param>
public sealed record ClassMetrics(double Precision, double Recall, double F1, int Support);
