using MaskTrainer.Detect.Inference;
using MaskTrainer.Faces;
using MaskTrainer.Tests.Imaging;
using MaskTrainer.Tests.Pipeline;

namespace MaskTrainer.Tests.Detect;

public sealed class CatalogFaceDetectorTests
{
    [SharedFact("models")]
    public void Only_a_single_network_takes_min_face_confidence_as_its_threshold()
    {
        // The low --min-face-confidence note (hundreds of boxes a frame) is true of these only.
        using var temp = new TempFolder();
        using var store = TrainedModelFixture.CreateStore(temp.Path);
        foreach (var (id, single) in new[]
        {
            (BlazeFaceDetector.BackModelId, true),
            (FaceDetectors.BackVerifiedId, true),
            (FaceDetectors.CascadeId, false),
            (HaarFaceDetector.ModelId, false),
        })
        {
            using var detector = new CatalogFaceDetector(FaceDetectors.Create(id, store), minConfidence: 0.01f);
            detector.SingleNetwork.Should().Be(single, id);
        }
    }
}
