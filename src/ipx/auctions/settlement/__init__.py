"""What follows a sale at auction: the won lot becomes a deal through the deals capability
(hammer price, the listing's terms, the seller's commission as the deal's fee), the winner's
deposit funds the deal's first milestone, the winner pays the balance and the buyer's premium
by a deadline or forfeits its deposit to the seller and the exchange, and the lot may then be
offered to the runner-up at its last bid."""
