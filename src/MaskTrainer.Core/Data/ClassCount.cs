namespace MaskTrainer.Data;

/// <summary>Number of images of one class.</summary>
/// <param name="Label">The class.</param>
/// <param name="Count">Images that could be read (the class's examples).</param>
/// <param name="Unreadable">Image files of the class that could not be read (see <see cref="ImageFolderDataset.Unreadable"/>).</param>
public sealed record ClassCount(string Label, int Count, int Unreadable = 0);
