"""Questions a news archive cannot answer: the no-answer honesty check of the evaluation.

Cooking, maths, pets, gardening, trivia and how-to questions. A good answer to any of
them is "no answer"; `newsdesk eval retrieval` reports the share rejected.
"""

from __future__ import annotations

OFF_TOPIC_QUESTIONS: tuple[str, ...] = (
    "How long should sourdough bread proof before baking?",
    "What is the best way to caramelise onions?",
    "How many grams of flour are in a cup?",
    "Can I substitute baking soda for baking powder in pancakes?",
    "What temperature should I roast a whole chicken at?",
    "How do I make a roux for gumbo?",
    "Why does my risotto turn out gluey?",
    "How long do hard-boiled eggs keep in the fridge?",
    "What is the derivative of x squared times sine x?",
    "How do you solve a quadratic equation by completing the square?",
    "What is the sum of the interior angles of a hexagon?",
    "Is zero an even number?",
    "How do I convert a fraction to a percentage?",
    "What is the integral of one over x?",
    "How many prime numbers are there below one hundred?",
    "What is the Pythagorean theorem used for?",
    "How often should I feed a kitten?",
    "Why does my dog eat grass?",
    "How do I stop my cat from scratching the sofa?",
    "What vegetables are safe for rabbits to eat?",
    "How big does a goldfish tank need to be?",
    "How do I teach my parrot to talk?",
    "Is chocolate poisonous to dogs?",
    "How long do hamsters live?",
    "When should I prune my tomato plants?",
    "How deep should I plant tulip bulbs?",
    "Why are the leaves on my basil turning yellow?",
    "How do I get rid of aphids on roses naturally?",
    "How do I tie a bowline knot?",
    "What is the best way to remove a red wine stain from carpet?",
    "How do I change a bicycle inner tube?",
    "How can I improve my handwriting?",
    "What is the difference between a violin and a viola?",
    "How do I fold a fitted sheet?",
    "What causes hiccups and how do I stop them?",
    "How many hours of sleep does a teenager need?",
    "How do I unclog a bathroom sink without chemicals?",
    "What is a good stretching routine before running?",
    "How do you say thank you in Japanese?",
    "What rhymes with orange?",
)
