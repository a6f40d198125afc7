namespace MaskTrainer.Reporting;

/// <summary>Per-class test figures; Precision, Recall and F1 are fractions 0..1 (NaN when undefined).</summary>
public sealed record ClassReportRow(string Label, double Precision, double Recall, double F1, int Support);
