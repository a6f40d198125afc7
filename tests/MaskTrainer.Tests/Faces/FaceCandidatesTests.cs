using MaskTrainer.Faces;
using OpenCvSharp;

namespace MaskTrainer.Tests.Faces;

/// <summary>The NMS every detector ends with, and OpenCV's top_k as res10's graph uses it.</summary>
public sealed class FaceCandidatesTests
{
    [Fact]
    public void Top_k_limits_the_candidates_that_enter_the_nms_not_the_faces_it_keeps()
    {
        var candidates = new FaceCandidates();
        candidates.Add(0, 0, 10, 10, 0.9f);   // A
        candidates.Add(1, 1, 11, 11, 0.8f);   // A', over A: suppressed by it
        candidates.Add(50, 50, 60, 60, 0.7f); // B, far away

        var all = candidates.Suppress(0.5f, 0.45f);
        var topTwo = candidates.Suppress(0.5f, 0.45f, topK: 2);

        all.Select(f => f.Box).Should().Equal(new Rect(0, 0, 10, 10), new Rect(50, 50, 10, 10));
        // Only A and A' take part, so B is never considered (a cap on the kept faces would keep A and B).
        topTwo.Select(f => f.Box).Should().Equal(new Rect(0, 0, 10, 10));
    }
}
