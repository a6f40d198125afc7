namespace MaskTrainer.Synthesis;

/// <summary>What <see cref="StarterDataset.BuildAsync"/> built: the catalog entries used, where their photos were put, and the synthesis report.</summary>
public sealed record StarterDatasetReport(IReadOnlyList<string> Sources, string FacesDirectory, MaskSynthesisReport Synthesis);
