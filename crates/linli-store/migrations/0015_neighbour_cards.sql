-- 0015 neighbour cards that print (issue 14): the phone a building head has printed on the
-- neighbour cards of her buildings. Set by the head herself on the cards page; empty means
-- "ask the residents' committee", whose phone every card carries.
ALTER TABLE users ADD COLUMN card_phone TEXT NOT NULL DEFAULT '';
