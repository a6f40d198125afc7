using MaskTrainer.Faces;

namespace MaskTrainer.Tests.Faces;

/// <summary>The shipped verifier head and its JSON form.</summary>
public sealed class FaceVerifierHeadTests
{
    [Fact]
    public void Shipped_head_matches_the_landmark_embedding_and_round_trips_through_json()
    {
        var head = FaceVerifierHead.Default;
        head.Weights.Should().HaveCount(512).And.OnlyContain(w => float.IsFinite(w));
        float.IsFinite(head.Bias).Should().BeTrue();

        var again = FaceVerifierHead.Parse(head.ToJson(new Dictionary<string, string> { ["comment"] = "test" }));

        again.Weights.Should().Equal(head.Weights);
        again.Bias.Should().Be(head.Bias);
    }

    [Fact]
    public void Likelihood_is_the_logistic_of_the_weighted_sum()
    {
        var head = new FaceVerifierHead([1f, -2f], 0.5f);

        head.Likelihood([1f, 1f]).Should().BeApproximately((float)(1 / (1 + Math.Exp(0.5))), 1e-6f);
        head.Invoking(h => h.Likelihood([1f])).Should().Throw<ArgumentException>();
    }
}
