using MaskTrainer.Augmentation;
using MaskTrainer.Data;
using MaskTrainer.Faces;
using MaskTrainer.Model;

namespace MaskTrainer;

/// <summary>
/// Everything a training run needs, with the defaults <c>./train.sh</c> uses. Immutable;
/// the options are recorded in the model file so a run can be reproduced.
/// </summary>
public sealed record MaskTrainingOptions
{
    /// <summary>
    /// The default catalog backbone: ResNet18 from the Microsoft.ML.DnnImageFeaturizer.ResNet18
    /// package (MIT, no download), its pixel graph quantized to 8 bits (<c>resnet18-int8</c>,
    /// <see cref="Onnx.Int8Quantizer"/>): about a third of the float network's CPU per face and a
    /// 12 MB model zip instead of 59 MB, at the same test accuracy and framing robustness over three
    /// seeds (docs/backbones.md). Float ResNet18, linear probe, 5-fold CV on mask-sample face crops:
    /// macro accuracy 0.993-0.998, against 0.986-0.990 for fr-expression-b3.
    /// </summary>
    public const string DefaultBackbone = "resnet18-int8";

    /// <summary>Image folder: one sub-folder per class (default "data").</summary>
    public string DataDirectory { get; init; } = "data";

    /// <summary>
    /// Where the model zip goes (default "artifacts/mask_model.zip"), or a folder to write it into
    /// (<see cref="MaskModel.OutputFileIn"/>); metrics.json and report/ go beside it.
    /// </summary>
    public string OutputPath { get; init; } = MaskModel.DefaultPath;

    /// <summary>The model file <see cref="OutputPath"/> names.</summary>
    public string ModelPath => MaskModel.OutputFileIn(OutputPath);

    /// <summary>Catalog id of the frozen backbone, or a path to a user-supplied .onnx file.</summary>
    public string Backbone { get; init; } = DefaultBackbone;

    /// <summary>For a user-supplied backbone file: how to feed it and which layer to read (null for catalog ids).</summary>
    public UserBackboneOptions? UserBackbone { get; init; }

    /// <summary>The ML.NET trainer of the head and its settings.</summary>
    public HeadOptions Head { get; init; } = new();

    /// <summary>Train / validation / test fractions and the split seed.</summary>
    public SplitOptions Split { get; init; } = new();

    /// <summary>
    /// Augmented copies of the training images (default 2, each with camera effects; Copies = 0
    /// turns it off). Measured with <c>bench small-faces</c> (resnet18, seed 42, docs/small-faces.md):
    /// without camera effects a bare face 24 px wide is called masked 18 % of the time (16 px: 57 %);
    /// with two copies of camera effects both recalls stay ≥ 0.95 from 24 px up, for a full-size test
    /// accuracy about one to two images in 240 lower. Two copies rather than one: steadier figures
    /// across sizes and light for 840 more featurized crops on a cold run.
    /// </summary>
    public AugmentationOptions Augmentation { get; init; } = new() { Copies = 2 };

    /// <summary>
    /// Most augmented copies per training image that <c>./train.sh --augment</c> accepts (10). Each
    /// copy featurizes every training image once more (about 840 crops per copy on mask-sample), and
    /// three copies measured no better than two (docs/small-faces.md): far more copies only multiply
    /// the featurizing time and the cache.
    /// </summary>
    public const int MaxAugmentationCopies = 10;

    /// <summary>
    /// Crop each image to its face with the detector app's crop (default true). Turning this off
    /// trains on whole images: the head may then learn the datasets' framing instead of the mask.
    /// </summary>
    public bool FaceCrop { get; init; } = true;

    /// <summary>Face detector used for the crops (default <see cref="FaceDetectors.DefaultId"/>).</summary>
    public string FaceDetector { get; init; } = FaceDetectors.DefaultId;

    /// <summary>How a face box becomes the classifier's input (shared with the detector app).</summary>
    public FaceCropStageOptions FaceCropStage { get; init; } = new();

    /// <summary>Workspace for the bottleneck-feature cache (default ".workspace").</summary>
    public string Workspace { get; init; } = ".workspace";

    /// <summary>Extra offline model folders searched before the cache and the network.</summary>
    public IReadOnlyList<string> ModelsDirectories { get; init; } = [];

    /// <summary>Write the HTML report beside the model (default true).</summary>
    public bool WriteReport { get; init; } = true;

    /// <summary>Seed for the split, augmentation and head; overrides their own seeds when set.</summary>
    public int? Seed { get; init; }

    /// <summary>The options with <see cref="Seed"/> pushed down into every seeded part.</summary>
    public MaskTrainingOptions WithSeedApplied() => Seed is not int seed
        ? this
        : this with
        {
            Split = Split with { Seed = seed },
            Head = Head with { Seed = seed },
            Augmentation = Augmentation with { Seed = seed },
        };
}

/// <summary>How to use a backbone file the catalog does not know.</summary>
public sealed record UserBackboneOptions
{
    /// <summary>Smallest input side, in pixels, that <c>--backbone-input</c> accepts (16).</summary>
    public const int MinInputSize = 16;

    /// <summary>
    /// Largest input side, in pixels, that <c>--backbone-input</c> accepts (1024): a face crop holds
    /// no detail beyond that (the catalog's backbones take 64 to 224), and a batch of 16 such inputs
    /// is already 200 MB of floats.
    /// </summary>
    public const int MaxInputSize = 1024;

    /// <summary>Preprocessing of the network input.</summary>
    public required Models.Preprocessing Preprocessing { get; init; }

    /// <summary>Name of the layer whose output is the feature vector.</summary>
    public required string FeatureLayer { get; init; }

    /// <summary>Expected feature size (checked at load when given).</summary>
    public int? FeatureSize { get; init; }

}
