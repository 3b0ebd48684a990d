"""What sales take to a customer: the offer, its promises, risks and guidance, and its PDF
and workbook documents."""
