namespace MaskTrainer.Data;

/// <summary>One labelled image file of an image-folder dataset.</summary>
/// <param name="Path">Full path of the image file.</param>
/// <param name="Label">Class name (the name of the class sub-folder).</param>
/// <param name="LabelIndex">Index of <paramref name="Label"/> in the dataset's sorted label list.</param>
/// <param name="ContentHash">Lower-case hex SHA-256 of the file bytes; equal hashes mean identical files.</param>
public sealed record ImageExample(string Path, string Label, int LabelIndex, string ContentHash)
{
    /// <summary>
    /// "label/file.jpg", as the console's summaries name an image, with control characters in
    /// either name escaped (<see cref="Reporting.HumanText"/>): the line stays one line.
    /// </summary>
    public string ShownName => Reporting.HumanText.Escape($"{Label}/{System.IO.Path.GetFileName(Path)}");
}
