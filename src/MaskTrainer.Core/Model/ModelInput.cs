using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace MaskTrainer.Model;

/// <summary>
/// One image for the model, as in Model Builder's generated <c>ModelInput</c>. The image is an
/// ML.NET <see cref="MLImage"/> (decoded once, in memory) rather than Model Builder's
/// <c>byte[] ImageSource</c>: ML.NET's image transforms start from an image column, so a model
/// that takes bytes would need a custom mapping and could not be loaded by a program that
/// references only Microsoft.ML. Faces should be cut with <see cref="Faces.FaceCropper"/> and the
/// model's <see cref="MaskModel.FaceCrop"/> policy first (see <see cref="MaskPredictor"/>).
/// </summary>
public sealed class ModelInput
{
    /// <summary>The image size the schema declares; any size is accepted and resized by the model.</summary>
    public const int DeclaredSize = 224;

    /// <summary>The class name (used in training and evaluation; ignored by prediction).</summary>
    [ColumnName("Label")]
    public string Label { get; set; } = "";

    /// <summary>The face crop (or whole image) to classify.</summary>
    [ColumnName("Image")]
    [ImageType(DeclaredSize, DeclaredSize)]
    public MLImage? Image { get; set; }
}
