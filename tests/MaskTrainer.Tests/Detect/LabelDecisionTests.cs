using MaskTrainer.Detect;
using MaskTrainer.Detect.Classification;

namespace MaskTrainer.Tests.Detect;

public sealed class LabelDecisionTests
{
    [Theory]
    [InlineData(new[] { "with_mask", "without_mask" }, 0)]
    [InlineData(new[] { "without_mask", "with_mask" }, 1)]
    [InlineData(new[] { "mask_weared_incorrect", "with_mask", "without_mask" }, 1)]
    [InlineData(new[] { "incorrect_with_mask", "with_mask", "without_mask" }, 1)]
    [InlineData(new[] { "improper_mask", "mask", "no_mask" }, 1)]
    [InlineData(new[] { "IncorrectMask", "WithMask", "WithoutMask" }, 1)]
    [InlineData(new[] { "no_mask", "mask" }, 1)]
    [InlineData(new[] { "masked", "unmasked" }, 0)]
    [InlineData(new[] { "bare", "masked" }, 1)]
    [InlineData(new[] { "bare_face", "mask_on" }, 1)]
    [InlineData(new[] { "none", "wearing_mask" }, 1)]
    [InlineData(new[] { "nomask", "Mask" }, 1)]
    [InlineData(new[] { "--help", "with mask", "без маски" }, 1)]
    [InlineData(new[] { "other", "With-Mask", "without mask" }, 1)]
    [InlineData(new[] { "WITH_MASK", "WITHOUT_MASK" }, 0)]
    public void The_mask_label_is_found_by_name_and_the_rule_is_sure(string[] labels, int expected) =>
        MaskLabels.Choose(labels).Should().Be(new MaskLabelChoice(expected, Sure: true));

    [Theory]
    [InlineData(new[] { "bare", "surgical_mask" }, 1)] // only contains "mask"
    [InlineData(new[] { "mask_off", "surgical_mask" }, 1)] // "off" names a bare face
    [InlineData(new[] { "correct_mask_n95", "incorrect_mask", "no_mask" }, 0)]
    [InlineData(new[] { "bare", "covered" }, 1)] // no mask word at all: the first that names no bare face
    [InlineData(new[] { "wrong_mask", "sans_masque", "without" }, 1)]
    [InlineData(new[] { "mask", "masked", "unmasked" }, 0)] // two mask words: ambiguous
    [InlineData(new[] { "with_mask", "With Mask", "without_mask" }, 0)]
    public void A_weak_or_ambiguous_choice_is_not_sure_and_the_app_says_so(string[] labels, int expected) =>
        MaskLabels.Choose(labels).Should().Be(new MaskLabelChoice(expected, Sure: false));

    [Theory]
    [InlineData("no_mask", "without_mask")]
    [InlineData("incorrect_with_mask", "without_mask")]
    [InlineData("bare", "mask_worn_incorrectly")]
    [InlineData("none", "improperly_masked")]
    public void A_bare_face_or_a_wrongly_worn_mask_is_never_the_mask_label(string a, string b) =>
        Assert.Throws<DetectorException>(() => MaskLabels.Find([a, b])).Message.Should().Contain("pass --mask-label");

    [Fact]
    public void An_explicit_mask_label_wins_and_a_wrong_one_is_a_clear_error()
    {
        MaskLabels.Find(["a", "b"], "B").Should().Be(1);
        var e = Assert.Throws<UsageException>(() => MaskLabels.Find(["a", "b"], "c"));
        e.Message.Should().Be("--mask-label 'c' is not one of the model's labels (a, b)");
        Assert.Throws<DetectorException>(() => MaskLabels.Find(["no_mask", "without_mask"]))
            .Message.Should().Contain("pass --mask-label");
    }

    [Fact]
    public void The_threshold_decides_on_P_mask_and_the_shown_label_follows()
    {
        // labels: with_mask (0), without_mask (1)
        FaceVerdict.Decide([0.6f, 0.4f], 0, 0.5f).Should().Be(new FaceVerdict(0, 0.6f, true, 0.6f));
        FaceVerdict.Decide([0.6f, 0.4f], 0, 0.7f).Should().Be(new FaceVerdict(1, 0.4f, false, 0.6f));
        FaceVerdict.Decide([0.5f, 0.5f], 0, 0.5f).Mask.Should().BeTrue("the threshold is inclusive");

        // Three classes: not masked shows the most probable other class.
        FaceVerdict.Decide([0.2f, 0.3f, 0.5f], 0, 0.5f).Should().Be(new FaceVerdict(2, 0.5f, false, 0.2f));
    }

    [Fact]
    public void Smoothing_is_an_exponential_moving_average_per_track()
    {
        var s = new LabelSmoother(2, 0.5f);
        s.Get(7).IsEmpty.Should().BeTrue();
        s.Observe(7, [1f, 0f]);
        s.Get(7).ToArray().Should().Equal(1f, 0f);
        s.Observe(7, [0f, 1f]);
        s.Get(7).ToArray().Should().Equal(0.5f, 0.5f);
        s.Observe(7, [0f, 1f]);
        s.Get(7).ToArray().Should().Equal(0.25f, 0.75f);

        s.Observe(8, [0.9f, 0.1f]);
        s.Get(8).ToArray().Should().Equal(0.9f, 0.1f);
        s.Get(7).ToArray().Should().Equal(0.25f, 0.75f);

        s.Forget(7);
        s.Get(7).IsEmpty.Should().BeTrue();
        s.Count.Should().Be(1);
    }

    [Fact]
    public void One_odd_frame_does_not_flip_a_smoothed_label()
    {
        var s = new LabelSmoother(2, 0.4f);
        for (int i = 0; i < 5; i++)
        {
            s.Observe(1, [0.95f, 0.05f]);
        }

        s.Observe(1, [0.1f, 0.9f]); // one blurred crop
        FaceVerdict.Decide(s.Get(1), 0, 0.5f).Mask.Should().BeTrue();
    }

    [Fact]
    public void Labels_are_shown_like_the_seeds()
    {
        MaskLabels.Display("with_mask").Should().Be("Mask");
        MaskLabels.Display("without_mask").Should().Be("No Mask");
        MaskLabels.Display("mask_weared_incorrect").Should().Be("mask weared incorrect");
        MaskLabels.Display("sans masque ünï 😷").Should().Be("sans masque uni ?", "Hershey fonts draw printable ASCII only: accents dropped, one ? per other character");
        MaskLabels.Display("Gesichtsmaske_\u0301ok").Should().Be("Gesichtsmaske ok");
    }
}
