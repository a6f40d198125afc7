using MaskTrainer.Faces;
using MaskTrainer.OpenCv;
using MaskTrainer.Tests.OpenCv;

namespace MaskTrainer.Tests.Faces;

public sealed class FaceCropStageTests
{
    private const string Images = "data/faces-dlib/images";

    [SharedFact(Images)]
    public void A_face_found_in_the_padded_image_maps_back_to_the_original()
    {
        // A tight crop of one labelled face: the face touches the edges, as in the mask datasets.
        using var photo = FaceTestData.Read(FaceTestData.Faces3);
        var label = FaceTestData.Labels[FaceTestData.Faces3][0].Box;
        var tight = new Rect(label.X + 4, label.Y + 4, label.Width - 8, label.Height - 8);
        using var image = photo.Crop(tight);
        var expected = new Rect(-4, -4, label.Width, label.Height); // the label in the crop's coordinates
        var stage = new FaceCropStage(FaceTestData.Detector(FaceDetectors.DefaultId));

        using var crop = stage.Apply(image);

        crop.FaceFound.Should().BeTrue();
        FaceBoxes.IoU(crop.FaceBox, expected).Should().BeGreaterThan(0.4f, $"found {crop.FaceBox}, labelled {expected}");
        crop.Image.Size.Should().Be(FaceCropper.Region(crop.FaceBox, stage.Options.Crop).Size);
        crop.Score.Should().BeGreaterThanOrEqualTo(stage.Detector().DefaultMinConfidence);
    }

    [SharedFact(Images)]
    public void Padding_changes_nothing_for_a_face_well_inside_the_image()
    {
        using var photo = FaceTestData.Read(FaceTestData.Faces3);
        var detector = FaceTestData.Detector(FaceDetectors.DefaultId);
        var largest = detector.Detect(photo).MaxBy(f => f.Box.Area)!;

        using var crop = new FaceCropStage(detector).Apply(photo);

        crop.FaceFound.Should().BeTrue();
        FaceBoxes.IoU(crop.FaceBox, largest.Box).Should().BeGreaterThan(0.7f);
    }

    [SharedFact("models/face_detection_back_256x256_barracuda.onnx")]
    public void Without_a_face_the_whole_image_comes_back_and_says_so()
    {
        using var grey = new Mat(150, 200, MatType.U8C3, new Scalar(128, 128, 128));
        var stage = new FaceCropStage(FaceTestData.Detector(FaceDetectors.DefaultId));

        using var crop = stage.Apply(grey);

        crop.FaceFound.Should().BeFalse();
        crop.FaceBox.Should().Be(new Rect(0, 0, 200, 150));
        crop.Score.Should().Be(0);
        crop.Image.Size.Should().Be(new Size(200, 150));
        stage.CacheKey.Should().Contain(FaceDetectors.DefaultId).And.Contain("p0.25");
    }
}

internal static class FaceCropStageTestExtensions
{
    public static IFaceDetector Detector(this FaceCropStage stage) => FaceTestData.Detector(stage.DetectorId);
}
